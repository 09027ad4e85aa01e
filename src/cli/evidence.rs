//! `grounded import evidence`, `grounded search`, `grounded link`, `grounded tag`:
//! the evidence commands over the same core as the MCP tools.

use std::path::PathBuf;
use std::process::ExitCode;

use grounded::evidence::import::{
    CsvMapping, ImportDefaults, ImportFormat, ImportRequest, QuestionSpec, ResponsesRead, SpecType, TranscriptHeader,
    WaveBy, import_evidence,
};
use grounded::evidence::link::{LinkRequest, link_evidence};
use grounded::evidence::search::{SearchRequest, search};
use grounded::evidence::tags;
use grounded::fetch::table::SheetRead;
use grounded::model::Relation;

pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// A path or an http(s) URL
    pub file: String,
    /// csv, tsv, spreadsheet, jsonl, survey-csv, survey-responses, json, vtt, srt, markdown or text [default: from the file name]
    #[arg(long, value_parser = parse_format)]
    pub format: Option<ImportFormat>,
    /// Which column holds which field, for tables whose headers are not the field
    /// names: --map text=Highlight,participant=Name,observed_at=Date,tags=Tags
    /// (fields: text, kind, participant, segment, study, observed_at, tags, record_id, url)
    #[arg(long, value_parser = parse_mapping)]
    pub map: Option<CsvMapping>,
    #[command(flatten)]
    pub table: super::TableArgs,
    /// Import the good rows and report the rest, instead of refusing the file
    #[arg(long)]
    pub row_level: bool,
    /// Segment of every item that has none (such as churned)
    #[arg(long)]
    pub segment: Option<String>,
    /// Study of every item that has none
    #[arg(long)]
    pub study: Option<String>,
    /// Observation date (YYYY-MM-DD) of every item that has none
    #[arg(long)]
    pub observed_at: Option<String>,
    /// Survey responses: how to read a question the answers cannot decide, by its id
    /// or column: --question Q5=scale:1-5, --question D=nps, --question H=skip
    /// (scale:MIN-MAX, nps, single-choice, multiple-choice, ranking, yes-no, open-ended, skip)
    #[arg(long = "question", value_name = "ID=TYPE", value_parser = parse_question)]
    pub questions: Vec<QuestionSpec>,
    /// Survey responses: waves by week, month, quarter or none [default: month when the
    /// responses span more than 31 days]
    #[arg(long, value_parser = parse_wave_by)]
    pub wave_by: Option<WaveBy>,
    /// Read and check the file and print what would be imported, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Survey responses: list every question read [default: the unclear ones and 40 others]
    #[arg(long)]
    pub all_questions: bool,
    /// Transcripts: a speaker whose turns are questions, not evidence (repeatable)
    /// [default: Interviewer, Moderator, Researcher, Facilitator, Host, Q, else the
    /// speaker who asks most of the questions]
    #[arg(long = "interviewer", value_name = "NAME")]
    pub interviewers: Vec<String>,
    /// A URL's bearer token: the environment variable holding it (its name, such as
    /// SURVEY_TOKEN; it must match GROUNDED_TOKEN_VARS, default *_TOKEN)
    #[arg(long)]
    pub token_env: Option<String>,
    /// Print the full result as JSON
    #[arg(long)]
    pub json: bool,
}

const QUESTION_TYPES: &str = "scale:MIN-MAX, nps, single-choice, multiple-choice, ranking, yes-no, open-ended or skip";

/// `Q5=scale:1-5` into a question's reading.
pub(super) fn parse_question(text: &str) -> Result<QuestionSpec, String> {
    let (question, kind) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("{text:?} is not ID=TYPE; such as Q5=scale:1-5 or D=open-ended"))?;
    let (kind, bounds) = kind.split_once(':').unwrap_or((kind, ""));
    let read_as: SpecType =
        serde_json::from_value(serde_json::Value::String(kind.trim().to_lowercase().replace('-', "_")))
            .map_err(|_| format!("{kind:?} is not a question type; use {QUESTION_TYPES}"))?;
    let (scale_min, scale_max) = if bounds.is_empty() {
        (None, None)
    } else {
        let (low, high) = bounds
            .split_once('-')
            .and_then(|(l, h)| Some((l.trim().parse::<i32>().ok()?, h.trim().parse::<i32>().ok()?)))
            .ok_or_else(|| format!("{bounds:?} is not MIN-MAX; such as scale:1-5"))?;
        (Some(low), Some(high))
    };
    if read_as == SpecType::Scale && scale_min.is_none() {
        return Err(format!("{text:?}: a scale needs its points, such as {question}=scale:1-5"));
    }
    Ok(QuestionSpec { question: question.trim().to_string(), read_as, scale_min, scale_max })
}

pub(super) fn parse_wave_by(text: &str) -> Result<WaveBy, String> {
    serde_json::from_value(serde_json::Value::String(text.to_lowercase()))
        .map_err(|_| format!("{text:?} is not a wave length; use week, month, quarter or none"))
}

pub(super) fn parse_format(text: &str) -> Result<ImportFormat, String> {
    serde_json::from_value(serde_json::Value::String(text.to_lowercase().replace('-', "_"))).map_err(|_| {
        format!("{text:?} is not a format; use csv, tsv, spreadsheet, jsonl, survey-csv, vtt, srt, markdown or text")
    })
}

/// `text=Highlight,participant=Name` into a column mapping; a field it does not know
/// is named with the ones it does.
pub(super) fn parse_mapping(text: &str) -> Result<CsvMapping, String> {
    let mut fields = serde_json::Map::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (field, column) = pair
            .split_once('=')
            .ok_or_else(|| format!("{pair:?} is not FIELD=COLUMN; such as text=Highlight,participant=Name"))?;
        fields.insert(field.trim().to_lowercase().replace('-', "_"), column.trim().into());
    }
    serde_json::from_value(serde_json::Value::Object(fields)).map_err(|e| {
        let known = "text, kind, participant, segment, study, observed_at, tags, record_id, url";
        match e.to_string().split_once(", expected").map(|(first, _)| first.to_string()) {
            Some(unknown) => format!("{unknown}; the fields are {known}"),
            None => format!("{e}; the fields are {known}"),
        }
    })
}

pub fn import(db: Option<PathBuf>, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (path, store) = super::open(db)?;
    let access = super::access(&path);
    let is_url = args.file.starts_with("http://") || args.file.starts_with("https://");
    let request = ImportRequest {
        path: (!is_url).then(|| args.file.clone()),
        url: is_url.then(|| args.file.clone()),
        format: args.format,
        mapping: args.map,
        sheet: args.table.sheet,
        date_format: args.table.date_format,
        row_level: args.row_level,
        questions: args.questions,
        interviewers: args.interviewers,
        token_env: args.token_env,
        wave_by: args.wave_by,
        dry_run: args.dry_run,
        all_questions: args.all_questions,
        defaults: Some(ImportDefaults {
            segment: args.segment,
            study: args.study,
            observed_at: args.observed_at,
            ..Default::default()
        }),
    };
    let report = runtime()?
        .block_on(import_evidence(&store, &access, request, &super::actor(), &super::show_progress))
        .map_err(|e| super::IMPORT.say(e))?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(exit_of(report.read, report.responses.as_ref()));
    }
    if report.dry_run {
        outln!(
            "{}: {} read as {:?}; dry run, nothing written; {} would be skipped",
            report.source,
            report.read,
            report.format,
            report.skipped_count.max(report.skipped.len())
        );
    } else {
        outln!(
            "{}: {} read as {:?}; {} created, {} updated, {} unchanged, {} duplicates, {} skipped",
            report.source,
            report.read,
            report.format,
            report.added.created,
            report.added.updated,
            report.added.unchanged,
            report.added.duplicates,
            report.skipped_count.max(report.skipped.len())
        );
    }
    if let Some(encoding) = &report.encoding {
        outln!("  not UTF-8: read as {encoding}; check its accented letters");
    }
    if let Some(read) = &report.responses {
        print_responses(read);
    }
    if let Some(read) = &report.transcript {
        outln!("  read as {}; {} (--interviewer NAME says who asked)", read.shape, read.rule);
    }
    if let Some(sheet) = &report.sheet {
        outln!("  {}", sheet_words(sheet));
    }
    if let Some(header) = &report.header {
        outln!("  {}", header_words(header));
        for note in &header.notes {
            outln!("  note: {}; --observed-at gives it", note.render(&super::IMPORT));
        }
    }
    for skipped in &report.skipped {
        outln!("  skipped line {}: {}", skipped.line, skipped.reason.render(&super::IMPORT));
    }
    if report.skipped_count > report.skipped.len() {
        outln!("  ... and {} more skipped rows", report.skipped_count - report.skipped.len());
    }
    for note in &report.added.tag_notes {
        outln!("  note: {note}");
    }
    Ok(exit_of(report.read, report.responses.as_ref()))
}

/// Exit 1 when a response export gave nothing to import because every question
/// it has is unclear or skipped: the command did not do its job.
fn exit_of(read: usize, responses: Option<&ResponsesRead>) -> ExitCode {
    if read == 0 && responses.is_some() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// What each question of a response export was read as, one line each, and the
/// flag that settles an unclear one.
fn print_responses(read: &ResponsesRead) {
    let by =
        |name: &Option<String>, what: &str| name.as_ref().map(|c| format!(", {what} from {c:?}")).unwrap_or_default();
    outln!(
        "  recognised {}: {} respondents{}{}{}",
        read.export,
        read.respondents,
        by(&read.respondent_id, "ids"),
        by(&read.date, "dates"),
        by(&read.segment, "segments")
    );
    if read.waves.is_empty() {
        outln!("  one wave (--wave-by week, month or quarter cuts waves by date)");
    } else {
        outln!("  waves by {:?}: {}", read.wave_by, read.waves.join(", "));
    }
    for q in &read.questions {
        outln!("  {:<8} {:<16} n={:<4} items={:<3} {}", q.question, q.read_as, q.answered, q.items, q.text);
        if !q.could_be.is_empty() {
            let flags: Vec<String> =
                q.could_be.iter().map(|c| format!("--question {}={}", q.question, as_flag(c))).collect();
            outln!("           not imported: {}; settle it with {}", q.because, flags.join(" or "));
        }
    }
    if read.questions_not_listed > 0 {
        outln!("  ... and {} more questions (--all-questions lists them)", read.questions_not_listed);
    }
    if !read.segment_columns.is_empty() && read.segment.is_none() {
        outln!(
            "  respondent columns {}: --map segment=COLUMN splits results by one",
            read.segment_columns.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
        );
    }
    if !read.left_out.is_empty() {
        outln!("  left out (about the response, not answers): {}", read.left_out.join(", "));
    }
    for note in &read.notes {
        outln!("  note: {note}; --map observed_at=COLUMN names another");
    }
}

/// `scale 1-5` → `scale:1-5`, `single_choice` → `single-choice`.
fn as_flag(reading: &str) -> String {
    reading.replace(' ', ":").replace('_', "-").replace("nps:0-10", "nps")
}

/// The sheet an import read, in flag words: `read sheet "Highlights" (other sheets:
/// "Notes", "Raw"); choose with --sheet`.
fn sheet_words(sheet: &SheetRead) -> String {
    let quoted = |names: &[String]| names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
    match (sheet.others.is_empty(), sheet.chosen) {
        (true, _) => format!("read sheet {:?}, the only one", sheet.read),
        (false, true) => format!("read sheet {:?} (other sheets: {})", sheet.read, quoted(&sheet.others)),
        (false, false) => {
            format!("read sheet {:?} (other sheets: {}); choose with --sheet", sheet.read, quoted(&sheet.others))
        }
    }
}

/// What a transcript's header gave, and that flags win over it.
fn header_words(header: &TranscriptHeader) -> String {
    let lines = header.lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ");
    let mut facts = vec![];
    for (what, value) in [
        ("study", &header.study),
        ("participant", &header.participant),
        ("segment", &header.segment),
        ("date", &header.observed_at),
    ] {
        if let Some(value) = value {
            facts.push(format!("{what} {value:?}"));
        }
    }
    if !header.interviewers.is_empty() {
        facts.push(format!("interviewer {}", header.interviewers.join(", ")));
    }
    let line_word = if header.lines.len() == 1 { "line" } else { "lines" };
    if facts.is_empty() {
        format!("header ({line_word} {lines}) read as metadata, not turns")
    } else {
        format!(
            "header ({line_word} {lines}) read as metadata, not turns: {}; --study, --segment and --observed-at win over it",
            facts.join(", ")
        )
    }
}

pub fn find(
    db: Option<PathBuf>,
    query: String,
    tags: Vec<String>,
    segment: Option<String>,
    limit: usize,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let request = SearchRequest { query: Some(query), tags, segment, limit: Some(limit), ..Default::default() };
    let page = search(&store, &request).map_err(|e| super::terms::Terminal::with(&[("query", "QUERY")]).say(e))?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&page)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} match(es)", page.total);
    for hit in &page.hits {
        let e = &hit.evidence;
        let who = [e.participant.as_deref(), e.segment.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let when = e.observed_at.map(|d| d.to_string()).unwrap_or_default();
        outln!("\n{}  {}  {}  {}", hit.id, who, when, e.tags.join(" "));
        outln!("  {}", hit.snippet.replace('\n', " "));
        if !hit.linked_to.is_empty() {
            outln!("  linked to {}", hit.linked_to.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn link(
    db: Option<PathBuf>,
    evidence: Vec<String>,
    target: String,
    relation: Relation,
    why: String,
) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let request = LinkRequest { evidence, target, relation, rationale: why };
    let linked = runtime()?.block_on(link_evidence(&store, request, &super::actor()))?;
    for l in &linked.links {
        outln!("{}  {} {:?} {}", l.id, l.evidence, l.relation, l.target);
    }
    outln!("{} created, {} already there", linked.created, linked.existing);
    Ok(ExitCode::SUCCESS)
}

pub fn tag_merge(db: Option<PathBuf>, from: String, into: String) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let retagged = tags::merge(&store, &from, &into)?;
    outln!("\"{from}\" is now an alias of \"{into}\"; {} item(s) retagged", retagged.len());
    Ok(ExitCode::SUCCESS)
}

pub fn tag_list(db: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    for t in tags::list_tags(&store)? {
        let aliases = if t.aliases.is_empty() { String::new() } else { format!(" (also {})", t.aliases.join(", ")) };
        outln!("{:<24} {:>5}{aliases}", t.tag, t.evidence);
    }
    Ok(ExitCode::SUCCESS)
}

//! `grounded report --cycle 2026-Q4`: the cycle report in Markdown on stdout, or, with
//! --out, written into a folder with the scores as CSV and the chart of the key
//! result most in need of attention (SVG and PNG).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use grounded::report::{Report, ReportRequest, chart, chart_file, report};
use grounded::store::Store;

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The cycle to report (2026-Q4)
    #[arg(long, required_unless_present = "objective")]
    pub cycle: Option<String>,
    /// Or one objective (O-3)
    #[arg(long, conflicts_with = "cycle")]
    pub objective: Option<String>,
    /// Report as of this day (YYYY-MM-DD) [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Write report.md, scores.csv and the chart into this folder instead of printing
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the scores as CSV instead of the Markdown report
    #[arg(long, conflicts_with = "out")]
    pub csv: bool,
}

pub fn run(db: Option<PathBuf>, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(db)?;
    let request =
        ReportRequest { cycle: args.cycle, objective: args.objective, as_of: args.as_of, ..Default::default() };
    let report = report(&store, request)?;
    match args.out {
        Some(folder) => {
            for path in write(&store, &report, &folder)? {
                outln!("wrote {}", path.display());
            }
        }
        None if args.csv => out!("{}", report.csv),
        None => out!("{}", report.markdown),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the report, the scores and the chart into `folder`; returns the files.
pub fn write(store: &Store, report: &Report, folder: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(folder).with_context(|| format!("cannot create the folder {}", folder.display()))?;
    // The Markdown shows the chart from the PNG written beside it.
    let mut files = vec![(folder.join("report.md"), report.markdown_beside_chart().into_bytes())];
    files.push((folder.join("scores.csv"), report.csv.clone().into_bytes()));
    if let Some(kr) = report.chart_key_result {
        let svg = chart::svg(&chart::chart_data(store, kr, report.as_of)?)?;
        files.push((folder.join(chart_file(kr, "png")), chart::png(&svg)?));
        files.push((folder.join(chart_file(kr, "svg")), svg.into_bytes()));
    }
    for (path, bytes) in &files {
        std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

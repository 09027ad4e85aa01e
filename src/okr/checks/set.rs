//! The rules over the set of key results under one objective: size, necessary,
//! balanced, leading indicators validated, quality beyond satisfaction.

use super::*;

pub(super) fn set_size(plan: &ObjectivePlan) -> Finding {
    const RULE: &str = "set.size";
    let n = plan.key_results.len();
    let support = plan.stage.as_deref().is_some_and(|s| contains_phrase(s, "support") || contains_phrase(s, "cx"));
    let finding = match n {
        0 => Finding::fail(RULE, "no key results: nothing shows whether the objective is achieved")
            .ask("Which 2 to 5 numbers would prove this objective?"),
        1 => Finding::warn(RULE, "one key result is too thin to prove an objective")
            .ask("What else would have to be true for the objective to be achieved? Add a leading indicator and an experience measure."),
        n if n > 5 => Finding::fail(RULE, format!("{n} key results: more than 5 is scope creep"))
            .ask("Which key results would you keep if you could keep only three?"),
        5 if support => Finding::warn(RULE, "5 key results; support and CX teams do best with 2 to 4"),
        n => Finding::pass(RULE, format!("{n} key results")),
    };
    finding.about("key_results")
}

pub(super) fn set_necessary(plan: &ObjectivePlan) -> Option<Finding> {
    const RULE: &str = "set.no_duplicates";
    if plan.key_results.len() < 2 {
        return None;
    }
    let names: Vec<Option<String>> =
        plan.key_results.iter().map(|kr| kr.metric_name.as_deref().map(normalize_metric_name)).collect();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            let same_metric = names[i].is_some() && names[i] == names[j]
                || plan.key_results[i].metric_id.is_some()
                    && plan.key_results[i].metric_id == plan.key_results[j].metric_id;
            let restated = normalize_metric_name(&plan.key_results[i].statement)
                == normalize_metric_name(&plan.key_results[j].statement);
            if same_metric || restated {
                return Some(
                    Finding::warn(RULE, format!("key_results[{i}] and key_results[{j}] measure the same thing"))
                        .ask("Would the objective be less achieved without one of them? If not, keep one.")
                        .about("key_results"),
                );
            }
        }
    }
    Some(Finding::pass(RULE, "each key result measures something different").about("key_results"))
}

pub(super) fn set_balanced(plan: &ObjectivePlan, context: &CheckContext) -> Finding {
    const RULE: &str = "set.balanced";
    let roles: Vec<KrRole> = plan
        .key_results
        .iter()
        .map(|kr| kr.role.unwrap_or(if is_experience(kr) { KrRole::Experience } else { KrRole::Lagging }))
        .collect();
    let has_indicator = context.indicators.iter().any(|i| !i.is_empty());
    let mut missing: Vec<crate::error::Words> = vec![];
    if !roles.contains(&KrRole::Lagging) {
        missing.push("a lagging outcome (retention, revenue, conversion)".into());
    }
    if !roles.contains(&KrRole::Leading) && !has_indicator {
        missing.push(crate::words![
            "a leading indicator (an early signal that predicts the outcome; mark a key result ",
            crate::error::setting("role", "leading"),
            " or ",
            crate::error::Operation::AddIndicator,
            ")"
        ]);
    }
    if !roles.contains(&KrRole::Experience) {
        missing.push("an experience measure (satisfaction scale, CSAT, experience score)".into());
    }
    let finding = if missing.is_empty() {
        Finding::pass(RULE, "has a lagging outcome, a leading indicator and an experience measure")
    } else {
        let mut reason = crate::error::Words::from("missing ");
        for (i, part) in missing.into_iter().enumerate() {
            reason = if i == 0 { reason.and(part) } else { reason.then("; ").and(part) };
        }
        Finding::warn(RULE, reason)
            .ask("How will you know early that the outcome is coming, and how it feels to customers?")
    };
    finding.about("key_results")
}

pub(super) fn set_leading_validated(plan: &ObjectivePlan, context: &CheckContext) -> Vec<Finding> {
    const RULE: &str = "set.leading_validated";
    let mut findings = vec![];
    for (i, kr) in plan.key_results.iter().enumerate() {
        let statuses = context.indicators.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let subject = format!("key_results[{i}]");
        if statuses.contains(&IndicatorStatus::Refuted) {
            findings.push(
                Finding::fail(RULE, "one of its leading indicators was refuted by data or research")
                    .ask("Which other early signal predicts this outcome?")
                    .about(&subject),
            );
        } else if !statuses.is_empty() && statuses.iter().all(|s| *s == IndicatorStatus::Validated) {
            findings.push(Finding::pass(RULE, "its leading indicators are validated").about(&subject));
        } else if (kr.role == Some(KrRole::Leading) || !statuses.is_empty())
            && context.evidence.validating.get(i).copied().unwrap_or(0) > 0
        {
            let n = context.evidence.validating[i];
            findings.push(
                Finding::pass(RULE, format!("{n} piece(s) of research validate its leading indicator")).about(&subject),
            );
        } else if kr.role == Some(KrRole::Leading) || !statuses.is_empty() {
            findings.push(Finding::todo(RULE, "leading indicator not validated yet: no research or data shows it predicts the outcome")
                .ask("Before betting the cycle on it: do interviews or past data show that customers who move this number go on to the outcome?")
                .about(&subject));
        }
    }
    findings
}

pub(super) fn set_quality_beyond_satisfaction(plan: &ObjectivePlan) -> Option<Finding> {
    const RULE: &str = "set.quality_beyond_satisfaction";
    let satisfaction = |kr: &KeyResultPlan| first_phrase_of(&metric_text(kr), SATISFACTION_METRICS).is_some();
    if !plan.key_results.iter().any(satisfaction) {
        return None;
    }
    Some(if plan.key_results.iter().all(satisfaction) {
        Finding::warn(
            RULE,
            "satisfaction scores (CSAT, NPS) are the only measures: respondent-biased, lagging and low-coverage",
        )
        .ask("What behaviour or quality measure would move before satisfaction does?")
        .about("key_results")
    } else {
        Finding::pass(RULE, "satisfaction is measured beside behaviour or quality").about("key_results")
    })
}

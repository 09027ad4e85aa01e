//! Loading what an OKR is made of: objectives and key results by id (an absent one is
//! an error that names the field it came from), and a key result's indicators and
//! initiatives through the [`Table::KeyResultChildren`] index.
//!
//! Here, beside [`super::links`], so every reader (scores, explanations, reports, the
//! views of an objective) loads records without depending on the modules that write them.

use crate::error::{Error, Result};
use crate::model::{Indicator, IndicatorId, Initiative, InitiativeId, KeyResult, KeyResultId, Objective, ObjectiveId};

use super::{Store, Table};

/// The kind byte of an indicator in [`Table::KeyResultChildren`].
pub const INDICATOR: u8 = b'I';
/// The kind byte of an initiative in [`Table::KeyResultChildren`].
pub const INITIATIVE: u8 = b'N';

/// The key of a key result's child in [`Table::KeyResultChildren`].
pub fn child_key(kr: KeyResultId, kind: u8, child: u64) -> [u8; 17] {
    let mut key = [0u8; 17];
    key[..8].copy_from_slice(&kr.key());
    key[8] = kind;
    key[9..].copy_from_slice(&child.to_be_bytes());
    key
}

pub fn load_objective(store: &Store, field: &str, id: ObjectiveId) -> Result<Objective> {
    store.objective(id)?.ok_or_else(|| {
        Error::not_found(
            field,
            id,
            crate::words![crate::error::Operation::ListOkrs, " shows the objectives that exist"],
        )
    })
}

pub fn load_key_result(store: &Store, field: &str, id: KeyResultId) -> Result<KeyResult> {
    store.key_result(id)?.ok_or_else(|| {
        Error::not_found(
            field,
            id,
            crate::words![crate::error::Operation::GetOkr, " on its objective lists its key results"],
        )
    })
}

/// The indicators and initiatives of a key result, in id order.
pub fn children(store: &Store, kr: KeyResultId) -> Result<(Vec<Indicator>, Vec<Initiative>)> {
    let (indicators, initiatives, _) = children_with_count(store, kr, true)?;
    Ok((indicators, initiatives))
}

/// The indicators and initiatives of a key result, and how many initiatives it has
/// (`read_initiatives` false: counted, not read).
pub fn children_with_count(
    store: &Store,
    kr: KeyResultId,
    read_initiatives: bool,
) -> Result<(Vec<Indicator>, Vec<Initiative>, usize)> {
    let (mut indicators, mut initiatives, mut initiative_count) = (vec![], vec![], 0);
    for entry in store.tree(Table::KeyResultChildren).scan_prefix(kr.key()) {
        let (key, _) = entry?;
        let child = &key[8..];
        match child.first() {
            Some(&INDICATOR) => {
                if let Some(id) = IndicatorId::from_key(&child[1..]) {
                    indicators.extend(store.indicator(id)?);
                }
            }
            Some(&INITIATIVE) if !read_initiatives => initiative_count += 1,
            Some(&INITIATIVE) => {
                initiative_count += 1;
                if let Some(id) = InitiativeId::from_key(&child[1..]) {
                    initiatives.extend(store.initiative(id)?);
                }
            }
            _ => {}
        }
    }
    Ok((indicators, initiatives, initiative_count))
}

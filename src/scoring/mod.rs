//! Scoring key results against measurements (docs/domain.md#3-scoring).
//!
//! `measurements` owns the values of metrics over time; `formula` the pure formulas
//! (progress, pace, grade, intervals, forecast); `score` puts them together for a key
//! result, an objective or a whole cycle; `indicator` validates leading indicators
//! from the data. Three numbers are never mixed: progress (backward-looking), the
//! owner's confidence (forward-looking) and the grade (at the close).

pub mod deletion;
pub mod formula;
pub mod measurements;
pub mod score;
pub mod validation;

//! Looking up stored OKRs: `list_okrs`, `get_okr` and the overview that is get_okr's
//! default answer, and the catalog of what exists (for resource lists and completions).
//! Each row and detail carries its key results' scores, so this sits above [`crate::okr`], [`crate::scoring`] and [`crate::evidence`] and none of them
//! imports it back.

pub mod catalog;
pub mod overview;
pub mod query;

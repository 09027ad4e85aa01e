//! Evidence: customer research as first-class data, the statistics of surveys, and
//! (in the files added beside this one) import, links and search.

pub mod stats;

//! Data loaders the `seed` command and `serve --demo` stand on: the demo set and the national-scale
//! set, each stored through the ordinary use cases in `services` (which never import this module).

pub mod demo;
pub mod national;

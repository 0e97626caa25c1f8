//! The standard library (LANGUAGE.md §6).

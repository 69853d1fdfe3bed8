//! The Sales Hunter web application: pages, the component kit and server functions.
//!
//! Built twice: with `ssr` into the server (rendering pages, running server functions) and
//! with `hydrate` into the WASM bundle. Server functions stay thin: they authenticate, check
//! the role, call one function in `platform` and map its error.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
mod chunk_preloads;
pub mod components;
pub mod format;
pub mod pages;
pub mod root;
#[cfg(feature = "ssr")]
pub mod state;

pub use root::{shell, App};

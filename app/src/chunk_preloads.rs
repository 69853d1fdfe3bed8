//! Names the WASM chunks of the lazy page being rendered as preloads in the page's `<head>`.
//!
//! leptos_axum means to add these links itself once the page has rendered, but
//! `leptos_integration_utils` 0.8.9 (`from_app`) looks up the split manifest and registers
//! the links outside the request's reactive owner: it sees whichever owner the worker thread
//! last set, usually none, so most renders named no chunks and the browser fetched them
//! while hydrating, one round trip later. Called at the start of a lazy page's view, inside
//! the request's owner, this registers the same links every time; `leptos_meta` puts them
//! in the `<head>` (every route renders with `SsrMode::Async`, so the head is sent after the
//! body has rendered).

use leptos::prelude::*;
use leptos::{PrefetchLazyFn, WasmSplitManifest};
use leptos_meta::Link;

/// Registers a preload for every chunk of the lazy functions this render has entered so far
/// (the page's view, which the lazy route entered just before calling this).
pub fn name_chunks() {
    let (Some(entered), Some(manifest)) = (
        use_context::<PrefetchLazyFn>(),
        use_context::<WasmSplitManifest>(),
    ) else {
        return; // not a `--split` build: there are no chunks to name
    };
    let Some(entered) = entered.0.try_read_value() else {
        return;
    };
    let Some(manifest) = manifest.0.try_read_value() else {
        return;
    };
    let (pkg, chunks_of, loader) = &*manifest;
    for chunk in entered.iter().filter_map(|f| chunks_of.get(*f)).flatten() {
        // `crossorigin` as on Leptos's preload of the main module: the loader fetches the
        // chunks in CORS mode, and a preload made otherwise would not be reused.
        _ = view! {
            <Link rel="preload" href=format!("{pkg}/{chunk}.wasm") as_="fetch" type_="application/wasm" crossorigin=""/>
        }
        .to_html();
    }
    if !entered.is_empty() {
        _ = view! { <Link rel="modulepreload" href=format!("{pkg}/{loader}") crossorigin=""/> }
            .to_html();
    }
}

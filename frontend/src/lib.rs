//! The WASM entry point: hydrate the server-rendered page. Nothing else belongs here.

// The app's view types are deep; the release build (LTO) lays them out here and needs more
// than the default 128 levels, as `app` does.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Server functions redirect only on sign-in, sign-up, invitation acceptance and sign-out.
    // A full page load then gives every component fresh session state, as the no-JS path does.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().set_href(location);
    });
    leptos::mount::hydrate_body(app::App);
    // Lets end-to-end tests (and curious people) tell a hydrated page from a server-rendered one.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

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
    // Pages are lazy routes: hydration waits for the shown page's WASM chunk. (As
    // `leptos::mount::hydrate_lazy`, which cannot tell when it is done.)
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else { return };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Lets end-to-end tests (and curious people) tell a hydrated page from a
        // server-rendered one.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

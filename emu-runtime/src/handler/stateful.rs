//! Handlers that borrow state shared by many functions: [`with_state!`](crate::with_state)`(store, get_product)`
//! binds an `async fn(&S, Event)`, the shape real projects deploy, with one line per binding.
//!
//! A closure `move |event| get_product(&*store, event)` cannot do this: its future borrows the closure's capture, and
//! a `Fn` closure's captures cannot be lent to a future that outlives the call ("lifetime may not live long enough
//! ... closure implements `Fn`"). The macro moves a clone of the `Arc` into each call's future, which borrows it.
//!
//! Why a macro and not a generic `fn with_state(Arc<S>, f)`: handlers take `&dyn Store`, which is
//! `&'a (dyn Store + 'a)`; the `Arc<dyn Store>` holds a `dyn Store + 'static`. A generic `F: Fn(&S, Event)` bound needs
//! the two types to be equal, and no type parameter can name "`S` with its object lifetime shortened to `'a`". At the
//! call inside the macro the compiler applies that coercion itself, so `&dyn Store`, `&Memory` and `&(dyn Store +
//! Send)` all work.
//!
//! Nor `F: AsyncFn(&S, Event)` (std, Rust 1.85): besides the same object-lifetime mismatch, its future
//! (`CallRefFuture<'a>`) cannot be required to be `Send` on stable Rust (that needs return-type notation), and every
//! handler future must be `Send + 'static` for the multi-threaded runtime.

/// Binds `handler`, an `async fn(&S, Event) -> Result<_, _>`, with the `Arc<S>` named by `state` shared by every call:
/// `GetProductFunction => with_state!(store, get_product)`.
///
/// `state` is an `Arc` (it is cloned, not moved, so one `store` serves every binding); `Event` is `LambdaEvent<T>` or
/// `lambda_http::Request`, as on Lambda. The expansion is `move |event| async move { handler(&*state, event).await }`
/// with its own clone of the `Arc`, i.e. an ordinary `Fn(Event) -> impl Future` handler. `handler` should be a path
/// (it is evaluated on each call).
///
/// ```
/// use std::sync::Arc;
/// use emu_runtime::{Error, LambdaEvent, with_state};
/// use serde_json::{Value, json};
///
/// trait Store: Send + Sync {
///     fn name(&self, id: &str) -> Option<String>;
/// }
/// struct Memory;
/// impl Store for Memory {
///     fn name(&self, id: &str) -> Option<String> { (id == "1").then(|| "Rex".to_owned()) }
/// }
///
/// // The library's handler, unchanged from the Lambda binary that calls it with the real store.
/// async fn hello(store: &dyn Store, _: LambdaEvent<Value>) -> Result<Value, Error> {
///     Ok(json!({ "statusCode": 200, "body": store.name("1").unwrap_or_default() }))
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let store: Arc<dyn Store> = Arc::new(Memory);
/// let app = emu_runtime::lambda_app!("benches/hello.yaml", {
///     HelloRest => with_state!(store, hello),
///     HelloHttp => with_state!(store, hello),
///     HelloTyped => with_state!(store, hello),
///     HelloLambdaHttp => with_state!(store, hello),
/// });
/// assert_eq!(app.client().get("/hello").await.text(), "Rex");
/// # }
/// ```
///
/// The future must be `Send`: every handler runs on tokio's multi-threaded runtime (the dev server and the test
/// client share one `App` across threads), so a handler holding an `Rc`, a `RefCell` borrow or a
/// `std::sync::MutexGuard` across an `.await` is a compile error ("future cannot be sent between threads safely"),
/// and `S` must be `Send + Sync`. Non-`Send` handlers are not supported.
#[macro_export]
macro_rules! with_state {
    ($state:expr, $handler:expr $(,)?) => {{
        let state = ::std::sync::Arc::clone(&$state);
        move |event| {
            let state = ::std::sync::Arc::clone(&state);
            async move { ($handler)(&*state, event).await }
        }
    }};
}

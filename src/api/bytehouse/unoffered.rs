//! What this gateway does not offer: data loading (connections, import
//! jobs, executions) and metadata subscription. GET, POST, PUT, PATCH and
//! DELETE under those paths answer 501 with `error.code = "NOT_IMPLEMENTED"` once the caller
//! is authenticated.

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::filters::Caller;
use super::rejection::not_implemented;
use super::Context;

/// The path roots answered 501, and what each would have been.
pub const ROOTS: [(&str, &str); 4] = [
    ("metadata", "Metadata subscription is not offered: the gateway has no ByteHouse metadata service."),
    ("connections", "Data loading is not offered: there are no connections; load data with SQL (INSERT INTO ... SELECT from a filesystem table)."),
    ("import-jobs", "Data loading is not offered: there are no import jobs; load data with SQL (INSERT INTO ... SELECT from a filesystem table)."),
    ("executions", "Data loading is not offered: there are no import job executions."),
];

/// 501 for every path under [`ROOTS`].
pub fn routes<F>(who: F) -> BoxedFilter<(Response,)>
where
    F: Filter<Extract = (Arc<Context>, Caller), Error = Rejection> + Clone + Send + Sync + 'static,
{
    let answer = |message: &'static str| move |_: Arc<Context>, _: Caller| async move { Err::<Response, Rejection>(not_implemented(message)) };
    let [(a, am), (b, bm), (c, cm), (d, dm)] = ROOTS;
    // The methods a resource API takes; any other (TRACE, ...) is 405 as elsewhere.
    let methods = || warp::get().or(warp::post()).unify().or(warp::put()).unify().or(warp::patch()).unify().or(warp::delete()).unify();
    let root = move |name: &'static str| warp::path(name).and(warp::path::tail()).and(methods()).map(|_| ()).untuple_one();
    root(a).and(who.clone()).and_then(answer(am))
        .or(root(b).and(who.clone()).and_then(answer(bm))).unify()
        .or(root(c).and(who.clone()).and_then(answer(cm))).unify()
        .or(root(d).and(who).and_then(answer(dm))).unify()
        .boxed()
}

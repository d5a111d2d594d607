//! The integrations a route can have: today the Lambda proxy integration (`lambda.rs`), which invokes the route's
//! function through the Lambda service; MOCK and non-proxy integrations will sit beside it.

pub(crate) mod lambda;

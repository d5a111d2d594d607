//! The format readers: each fills a [`crate::context::Reader`] from one kind of template and knows no driver.
//! `sam` and `cfn` share `function`, `cors`, `gateway_responses` and `openapi`; `serverless` reads `serverless.yml` on its own.

pub(crate) mod auth;
#[cfg(test)]
mod auth_tests;
pub(crate) mod cfn;
mod cors;
mod function;
pub(crate) mod gateway_responses;
#[cfg(test)]
mod gateway_responses_tests;
mod integration;
#[cfg(test)]
mod integration_tests;
mod openapi;
pub(crate) mod sam;
#[cfg(test)]
mod sam_tests;
pub(crate) mod serverless;
pub(crate) mod validation;
#[cfg(test)]
mod validation_tests;

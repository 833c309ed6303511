//! Facts about a Dockerfile that the strategies decide on: the commands in
//! its RUN lines and what they do.

pub mod shell;
pub mod steps;

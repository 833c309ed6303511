//! dockopt: rewrites single-stage Dockerfiles into builder + slim runtime
//! stages, and shows the change as a diff a reviewer can trust.
//!
//! The data flows one way: bytes -> [`syntax`] (a lossless tree that agrees
//! with BuildKit) -> analysis -> strategy -> emit -> diff.

pub mod syntax;

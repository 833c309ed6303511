//! Facts read once from a file's build context: what the program's own
//! code uses from the system ([`code`]) and which of its files reach the
//! image ([`context`]).

pub mod buildtime;
pub mod code;
pub mod context;

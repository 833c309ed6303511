fn main() {
    // Set by cargo run for the program it starts, not by the image.
    let name = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
    println!("{name}");
}

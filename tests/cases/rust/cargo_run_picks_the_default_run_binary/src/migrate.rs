fn main() { println!("migrate"); }

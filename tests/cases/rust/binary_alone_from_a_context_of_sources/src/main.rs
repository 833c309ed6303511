fn main() {
    println!("Hello Docker");
}

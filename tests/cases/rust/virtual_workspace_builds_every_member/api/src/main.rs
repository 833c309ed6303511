fn main() {
    println!("listening: {}", shared::greeting());
}

fn main() {
    println!("shop open");
}

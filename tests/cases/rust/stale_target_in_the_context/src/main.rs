fn main() {
    println!("fresh");
}

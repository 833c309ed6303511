fn main() {
    println!("server up");
}

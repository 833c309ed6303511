fn main() {
    println!("report written");
}

fn main() {
    println!("cleanup done");
}

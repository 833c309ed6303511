fn main() {
    let who: Vec<String> = std::env::args().skip(1).collect();
    println!("hello, {}", who.join(" "));
}

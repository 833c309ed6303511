fn main() {
    println!("migrated");
}

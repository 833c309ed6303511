fn main() { openssl::init(); }

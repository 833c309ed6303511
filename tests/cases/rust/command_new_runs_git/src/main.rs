fn main() {
    let ok = std::process::Command::new("git").arg("--version").output().is_ok();
    println!("git {ok}");
}

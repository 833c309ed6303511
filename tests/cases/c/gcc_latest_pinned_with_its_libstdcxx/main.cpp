#include <format>
#include <iostream>

int main() { std::cout << std::format("{} + {} = {}\n", 2, 3, 2 + 3); }

#include <iostream>
#include <nlohmann/json.hpp>

int main() {
    nlohmann::json reply = {{"status", "ok"}, {"items", {1, 2, 3}}};
    std::cout << reply.dump() << std::endl;
    return 0;
}

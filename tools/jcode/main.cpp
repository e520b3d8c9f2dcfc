#include <jcode/cli/main.hpp>

int main(int argc, char** argv) { return jcode::cli::main(argc, argv); }

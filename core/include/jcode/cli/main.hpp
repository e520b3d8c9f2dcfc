// Entry point of the jcode command line. The executable (tools/jcode) is a thin wrapper so
// that every command is testable in-process from the core library.
#pragma once

namespace jcode::cli {

int main(int argc, char** argv);

}  // namespace jcode::cli

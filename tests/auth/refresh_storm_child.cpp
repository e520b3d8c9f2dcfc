// Helper process of the auth integration tests.
//   refresh_storm_child refresh <jcode home> <token url>
//     Waits for its stdin to close (the start signal shared by all children), loads the
//     credential from <jcode home>/auth.json, runs the RefreshCoordinator on it and prints
//     "<refreshed|adopted|fresh> <fingerprint of the access token>" (never the token).
//   refresh_storm_child save-loop <jcode home>
//     Saves two alternating large contents to auth.json forever, writing one byte to stdout
//     after each save, until it is killed.
#include <jcode/auth/refresh.hpp>
#include <jcode/auth/store.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "support/json_credential.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: refresh_storm_child refresh|save-loop <jcode home> [token url]\n");
    return 2;
  }
  const std::string mode = argv[1];
  jcode::auth::CredentialStore store(argv[2], std::string(argv[2]) + "/config");
  if (mode == "save-loop") {
    const std::string a(256 * 1024, 'a'), b(300 * 1024, 'b');
    for (unsigned long i = 0;; ++i) {
      if (!store.write(jcode::test::test_store_source(), i % 2 ? b : a).ok()) return 1;
      if (::write(1, "+", 1) != 1) return 1;
    }
  }
  if (mode != "refresh" || argc < 4) return 2;
  char c;
  while (::read(0, &c, 1) > 0) {
  }
  auto cred = jcode::test::load_credential(store);
  if (!cred || !*cred) {
    std::printf("error no credential\n");
    return 1;
  }
  jcode::auth::RefreshCoordinator coordinator(argv[2]);
  auto r = coordinator.ensure_fresh(jcode::test::claude_target(store, argv[3]), **cred);
  if (!r) {
    std::printf("error %d %s\n", r.status(), r.error().message.c_str());
    return 1;
  }
  std::printf("%s %s\n", r->refreshed ? "refreshed" : r->adopted ? "adopted" : "fresh",
              jcode::auth::token_fingerprint(r->credential.access_token).c_str());
  return 0;
}

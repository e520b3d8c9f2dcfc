#include <jcode/support/json_file.hpp>
#include <jcode/support/openai_error.hpp>

#include <doctest/doctest.h>

using jcode::support::describe;
using jcode::support::parse_api_error;

TEST_CASE("OpenAI-style error bodies become one readable line") {
  auto e = parse_api_error(R"({"error":{"message":"Incorrect API key provided: sk-ab*****wxyz.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  CHECK(e.code == "invalid_api_key");
  CHECK(e.type == "invalid_request_error");
  CHECK(describe(e) == "invalid_api_key: Incorrect API key provided: sk-ab*****wxyz.");

  auto azure = parse_api_error(R"({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}})");
  CHECK(azure.code == "DeploymentNotFound");
  CHECK(describe(azure) == "DeploymentNotFound: The API deployment for this resource does not exist.");

  auto aad = parse_api_error(R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})");
  CHECK(aad.code == "invalid_client");
  CHECK(aad.message == "AADSTS7000215: Invalid client secret provided.");

  CHECK(parse_api_error(R"({"detail":"Store must be set to false"})").message == "Store must be set to false");
  CHECK(parse_api_error("<html>Bad gateway</html>\n").message == "<html>Bad gateway</html>");
  CHECK(parse_api_error("").message == "(empty body)");
  CHECK(parse_api_error(std::string(1000, 'x')).message.size() == 300);
}

TEST_CASE("parse_json_object: what a file that should hold an object is instead") {
  nlohmann::json doc;
  CHECK(jcode::support::parse_json_object(R"({"a":1})", doc).empty());
  CHECK(doc["a"] == 1);
  CHECK(jcode::support::parse_json_object("[1,2]", doc) == "is a JSON array, not an object");
  CHECK(jcode::support::parse_json_object("\"x\"", doc) == "is a JSON string, not an object");
  CHECK(jcode::support::parse_json_object("  \n", doc) == "is empty");
  CHECK(jcode::support::parse_json_object("{\"a\": tru", doc).rfind("is not valid JSON (syntax error at byte ", 0) == 0);
}

# jcode_add_plugin(<id> SUMMARY <one line> [DESCRIPTION <paragraph>] SOURCES ... [LIBS ...]):
# builds jcode-provider-<id>.so exporting only jcode_plugin_entry, into the build-tree plugin
# dir, installs it to the system dir as component provider-<id>, and declares that component's
# Debian package jcode-provider-<id> (with the folder's README.md), so a new plugin gets its
# package from this call alone.
function(jcode_add_plugin id)
  cmake_parse_arguments(P "" "SUMMARY;DESCRIPTION" "SOURCES;LIBS" ${ARGN})
  if(NOT P_SUMMARY)
    message(FATAL_ERROR "jcode_add_plugin(${id}): SUMMARY (the package's one-line description) is required")
  endif()
  set(target jcode-provider-${id})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME jcode-provider-${id}
    LIBRARY_OUTPUT_DIRECTORY ${JCODE_BUILD_PLUGIN_DIR}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE jcode::plugin_api jcode_warnings ${P_LIBS})
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  # A module is mapped, not executed: 0644, as Debian installs shared objects.
  install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/jcode/plugins/1 COMPONENT provider-${id}
          PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  set(_docs)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/README.md)
    set(_docs ${CMAKE_CURRENT_SOURCE_DIR}/README.md)
  endif()
  set(_about "${P_DESCRIPTION}")
  if(_about)
    string(APPEND _about "\n\n")
  endif()
  string(APPEND _about "This package holds the provider plugin '${id}' for jcode, the command line "
         "that logs in to LLM providers and talks to them. jcode finds it in its system plugin "
         "directory at startup, and removing the package removes only this provider.")
  jcode_package(provider-${id} NAME jcode-provider-${id} SUMMARY "${P_SUMMARY}" DESCRIPTION "${_about}"
                DEPENDS "jcode (>= ${PROJECT_VERSION}), jcode-abi-1" DOCS ${_docs})
endfunction()

# jcode_add_plugin_impl(<id> SOURCES ... [LIBS ...]): the static library jcode_<id>_impl
# holding a plugin folder's logic (everything but the tables), so the plugin module and its
# tests share one build of it. src/ is its public include dir; it links the plugin API and
# LIBS publicly, and hides its symbols.
function(jcode_add_plugin_impl id)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  set(target jcode_${id}_impl)
  add_library(${target} STATIC ${P_SOURCES})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC jcode::plugin_api ${P_LIBS} PRIVATE jcode_warnings)
  set_target_properties(${target} PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()

# jcode_add_plugin_tests(<id> SOURCES ... LIBS ...): when testing is on, the doctest binary
# <id>_plugin_tests (SOURCES include the doctest main) linked to LIBS, registered as the
# ctest test plugin.<id>.unit. Callers add definitions/dependencies to the target after.
function(jcode_add_plugin_tests id)
  if(NOT BUILD_TESTING)
    return()
  endif()
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  set(target ${id}_plugin_tests)
  add_executable(${target} ${P_SOURCES})
  target_link_libraries(${target} PRIVATE ${P_LIBS} jcode_plugin_testing doctest::doctest jcode_warnings)
  add_test(NAME plugin.${id}.unit COMMAND ${target})
endfunction()

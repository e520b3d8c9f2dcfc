# jcode_add_plugin(<id> SOURCES ...): builds jcode-provider-<id>.so exporting only
# jcode_plugin_entry, into the build-tree plugin dir, and installs it to the system dir.
function(jcode_add_plugin id)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
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
  install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/jcode/plugins/1 COMPONENT provider-${id})
endfunction()

# jcode_package(<component> NAME <deb name> SUMMARY <one line> [DESCRIPTION <paragraph>]
#               [SECTION <section>] [DEPENDS <extra Depends>] [PROVIDES <Provides>] [DOCS <files>])
# declares one Debian package made of an install component, with the files Debian policy
# wants in every package (/usr/share/doc/<name>/copyright and changelog.Debian.gz). The
# declarations are collected in global properties; JcodePackaging.cmake turns them into CPack
# settings once every folder was read, so a plugin folder declares its package and nothing else.
function(jcode_package component)
  cmake_parse_arguments(P "" "NAME;SUMMARY;DESCRIPTION;SECTION;DEPENDS;PROVIDES" "DOCS" ${ARGN})
  foreach(_required NAME SUMMARY)
    if(NOT P_${_required})
      message(FATAL_ERROR "jcode_package(${component}): ${_required} is required")
    endif()
  endforeach()
  string(LENGTH "${P_SUMMARY}" _len)
  if(_len GREATER 79 OR P_SUMMARY MATCHES "\\.$")
    message(FATAL_ERROR "jcode_package(${component}): SUMMARY must be under 80 characters, no final period")
  endif()
  if("${P_SUMMARY}${P_DESCRIPTION}" MATCHES ";")
    message(FATAL_ERROR "jcode_package(${component}): no ';' in SUMMARY or DESCRIPTION (CPack cuts the text there)")
  endif()
  set_property(GLOBAL APPEND PROPERTY JCODE_PACKAGE_COMPONENTS ${component})
  foreach(_key NAME SUMMARY DESCRIPTION SECTION DEPENDS PROVIDES)
    set_property(GLOBAL PROPERTY JCODE_PACKAGE_${component}_${_key} "${P_${_key}}")
  endforeach()

  set(_doc ${CMAKE_INSTALL_DATADIR}/doc/${P_NAME})
  install(FILES ${JCODE_PACKAGE_COPYRIGHT} ${JCODE_PACKAGE_CHANGELOG}
          DESTINATION ${_doc} COMPONENT ${component})
  if(P_DOCS)
    install(FILES ${P_DOCS} DESTINATION ${_doc} COMPONENT ${component})
  endif()
endfunction()

# Debian revision of the packages; the changelog's newest entry must be
# <project version>-<revision>, checked below so the two cannot disagree.
set(JCODE_PACKAGE_RELEASE 1 CACHE STRING "Debian revision of the jcode packages")
set(JCODE_PACKAGE_MAINTAINER "jcode maintainers <maintainers@jcode.example.org>"
    CACHE STRING "Maintainer field of the jcode packages")

set(_pkgsrc ${CMAKE_CURRENT_LIST_DIR}/debian)
file(STRINGS ${_pkgsrc}/changelog _top LIMIT_COUNT 1)
if(NOT _top MATCHES "^jcode \\(${PROJECT_VERSION}-${JCODE_PACKAGE_RELEASE}\\) ")
  message(FATAL_ERROR "cmake/debian/changelog: the newest entry is '${_top}', but the packages are "
                      "${PROJECT_VERSION}-${JCODE_PACKAGE_RELEASE}; add an entry (or set JCODE_PACKAGE_RELEASE)")
endif()
set(JCODE_PACKAGE_COPYRIGHT ${_pkgsrc}/copyright)
# changelog.Debian.gz: maximum compression, no timestamp in the gzip header (reproducible).
set(JCODE_PACKAGE_CHANGELOG ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/debian)
execute_process(COMMAND gzip -n -9 -c ${_pkgsrc}/changelog OUTPUT_FILE ${JCODE_PACKAGE_CHANGELOG}
                RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "gzip failed compressing cmake/debian/changelog")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_pkgsrc}/changelog)

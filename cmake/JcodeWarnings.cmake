add_library(jcode_warnings INTERFACE)
target_compile_options(jcode_warnings INTERFACE -Wall -Wextra -Wshadow=local -Wno-missing-field-initializers
  $<$<BOOL:${JCODE_WERROR}>:-Werror>)

if(JCODE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

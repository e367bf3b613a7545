# Findutf8proc: Debian's libutf8proc-dev ships a pkg-config file but no CMake
# config, so strata finds it here (installed beside strataConfig.cmake, as
# the static library's consumers need it too).
#
# Imported target: utf8proc::utf8proc. Result variables: utf8proc_FOUND,
# utf8proc_INCLUDE_DIR, utf8proc_LIBRARY.
include(FindPackageHandleStandardArgs)

find_path(utf8proc_INCLUDE_DIR NAMES utf8proc.h)
find_library(utf8proc_LIBRARY NAMES utf8proc)
find_package_handle_standard_args(utf8proc REQUIRED_VARS utf8proc_LIBRARY utf8proc_INCLUDE_DIR)

if(utf8proc_FOUND AND NOT TARGET utf8proc::utf8proc)
  add_library(utf8proc::utf8proc UNKNOWN IMPORTED)
  set_target_properties(utf8proc::utf8proc PROPERTIES
    IMPORTED_LOCATION "${utf8proc_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${utf8proc_INCLUDE_DIR}")
endif()
mark_as_advanced(utf8proc_INCLUDE_DIR utf8proc_LIBRARY)

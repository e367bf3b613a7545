# FindSOCI: Debian's libsoci-dev 4.0.3 ships neither a CMake config nor a
# pkg-config file, so strata finds it here.
#
# Components: sqlite3, postgresql (the core is always searched; strata uses
# postgresql only: it opens SQLite natively, ADR 0014).
# Imported targets: SOCI::core, SOCI::sqlite3, SOCI::postgresql.
# Result variables: SOCI_FOUND, SOCI_INCLUDE_DIR, SOCI_<component>_FOUND.
#
# SOCI's soci-config.h hard-defines SOCI_HAVE_BOOST, so <soci/soci.h> needs the
# Boost headers; the PostgreSQL backend's header needs libpq's include directory.
include(FindPackageHandleStandardArgs)
include(CMakeFindDependencyMacro)

find_path(SOCI_INCLUDE_DIR NAMES soci/soci.h)
find_library(SOCI_core_LIBRARY NAMES soci_core)

if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/version.h")
  file(STRINGS "${SOCI_INCLUDE_DIR}/soci/version.h" _soci_version_line
       REGEX "^#define SOCI_VERSION [0-9]+")
  string(REGEX REPLACE ".*SOCI_VERSION ([0-9]+).*" "\\1" _soci_version_num "${_soci_version_line}")
  if(_soci_version_num)
    math(EXPR _soci_major "${_soci_version_num} / 100000")
    math(EXPR _soci_minor "${_soci_version_num} / 100 % 1000")
    math(EXPR _soci_patch "${_soci_version_num} % 100")
    set(SOCI_VERSION "${_soci_major}.${_soci_minor}.${_soci_patch}")
  endif()
endif()

set(_soci_component_vars)
foreach(_component IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${_component}_LIBRARY NAMES soci_${_component})
  if(SOCI_${_component}_LIBRARY)
    set(SOCI_${_component}_FOUND TRUE)
  else()
    set(SOCI_${_component}_FOUND FALSE)
  endif()
endforeach()

find_package(Boost QUIET)
find_package(Threads QUIET)

find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_core_LIBRARY SOCI_INCLUDE_DIR Boost_FOUND
  VERSION_VAR SOCI_VERSION
  HANDLE_COMPONENTS)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_core_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "Boost::headers;Threads::Threads;${CMAKE_DL_LIBS}")
endif()

if(SOCI_FOUND AND SOCI_sqlite3_FOUND AND NOT TARGET SOCI::sqlite3)
  find_package(SQLite3 REQUIRED)
  add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
  set_target_properties(SOCI::sqlite3 PROPERTIES
    IMPORTED_LOCATION "${SOCI_sqlite3_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;SQLite::SQLite3")
endif()

if(SOCI_FOUND AND SOCI_postgresql_FOUND AND NOT TARGET SOCI::postgresql)
  find_package(PostgreSQL REQUIRED)
  add_library(SOCI::postgresql UNKNOWN IMPORTED)
  set_target_properties(SOCI::postgresql PROPERTIES
    IMPORTED_LOCATION "${SOCI_postgresql_LIBRARY}"
    INTERFACE_LINK_LIBRARIES "SOCI::core;PostgreSQL::PostgreSQL")
endif()

mark_as_advanced(SOCI_INCLUDE_DIR SOCI_core_LIBRARY SOCI_sqlite3_LIBRARY SOCI_postgresql_LIBRARY)

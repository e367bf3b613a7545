# Install rules and the CMake package: find_package(strata CONFIG REQUIRED) then
# target_link_libraries(app PRIVATE strata::storage).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(STRATA_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/strata")

install(TARGETS strata_storage EXPORT strataTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY storage/include/strata DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(FILES "${PROJECT_BINARY_DIR}/generated/strata/version.h"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/strata)
install(TARGETS strata RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT strataTargets NAMESPACE strata:: DESTINATION ${STRATA_CMAKE_DIR})
# The build tree is a package too: CMAKE_PREFIX_PATH=<build dir> works without installing.
export(EXPORT strataTargets NAMESPACE strata::
       FILE "${PROJECT_BINARY_DIR}/strataTargets.cmake")

configure_package_config_file(cmake/strataConfig.cmake.in
  "${PROJECT_BINARY_DIR}/strataConfig.cmake"
  INSTALL_DESTINATION ${STRATA_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/strataConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/strataConfig.cmake"
              "${PROJECT_BINARY_DIR}/strataConfigVersion.cmake"
              cmake/FindSOCI.cmake
              cmake/Findutf8proc.cmake
        DESTINATION ${STRATA_CMAKE_DIR})

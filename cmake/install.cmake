# What `cmake --install <build> [--prefix P]` puts where (docs/install.md):
#   include/adieu/*.h                       the native API's headers
#   LIBDIR/libadieu.so.*, libadieu.a        the native API      (adieu::adieu)
#   LIBDIR/libadieu-ssl.so.*, .a            OpenSSL's API       (adieu::ssl)
#   LIBDIR/adieu/libssl.so.3                the drop-in, in a directory of its own
#                                           so it never shadows the system's libssl
#   bin/adieu-client, adieu-server, adieu-load, adieu-run
#   LIBDIR/cmake/adieu/                     find_package(adieu CONFIG)
#   LIBDIR/pkgconfig/adieu.pc, adieu-ssl.pc
# Every file is placed relative to the prefix, so an install can be moved.
include(CMakePackageConfigHelpers)

set(ADIEU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/adieu)
set(ADIEU_PRIVATE_LIBDIR ${CMAKE_INSTALL_LIBDIR}/adieu)

install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/adieu DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

set_target_properties(adieu PROPERTIES EXPORT_NAME adieu)
set_target_properties(adieu-static PROPERTIES EXPORT_NAME adieu-static)
set_target_properties(adieu-ssl PROPERTIES EXPORT_NAME ssl)
set_target_properties(adieu-ssl-static PROPERTIES EXPORT_NAME ssl-static)
install(TARGETS adieu adieu-static adieu-ssl adieu-ssl-static EXPORT adieuTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# libssl.so.3 alone: no libssl.so link, nothing to build against.
install(TARGETS adieu-libssl LIBRARY DESTINATION ${ADIEU_PRIVATE_LIBDIR} NAMELINK_SKIP)
install(TARGETS adieu-client adieu-server adieu-load RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The CMake package.
install(EXPORT adieuTargets NAMESPACE adieu:: DESTINATION ${ADIEU_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/adieuConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/adieuConfig.cmake
                              INSTALL_DESTINATION ${ADIEU_CMAKE_DIR}
                              PATH_VARS ADIEU_PRIVATE_LIBDIR)
# Before 1.0 a minor version may break the API: only the same minor version is
# compatible.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/adieuConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/adieuConfig.cmake ${CMAKE_BINARY_DIR}/adieuConfigVersion.cmake
        DESTINATION ${ADIEU_CMAKE_DIR})

# adieu_relative_path(var from to): the path from one install directory to
# another (both relative to the prefix), or `to` made absolute when either of
# them was given as an absolute path.
function(adieu_relative_path var from to)
  if(IS_ABSOLUTE "${from}" OR IS_ABSOLUTE "${to}")
    cmake_path(ABSOLUTE_PATH to BASE_DIRECTORY ${CMAKE_INSTALL_PREFIX} OUTPUT_VARIABLE result)
    set(${var} ${result} PARENT_SCOPE)
  else()
    file(RELATIVE_PATH result /prefix/${from} /prefix/${to})
    string(REGEX REPLACE "/$" "" result "${result}")
    set(${var} "${result}" PARENT_SCOPE)
  endif()
endfunction()

# pkg-config files, relocatable: the prefix is found from the file's own place.
adieu_relative_path(ADIEU_PC_TO_PREFIX ${CMAKE_INSTALL_LIBDIR}/pkgconfig .)
if(IS_ABSOLUTE "${ADIEU_PC_TO_PREFIX}")
  set(ADIEU_PC_PREFIX "${ADIEU_PC_TO_PREFIX}")
else()
  set(ADIEU_PC_PREFIX "\${pcfiledir}/${ADIEU_PC_TO_PREFIX}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(ADIEU_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(ADIEU_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
foreach(pc adieu adieu-ssl)
  configure_file(${CMAKE_SOURCE_DIR}/cmake/${pc}.pc.in ${CMAKE_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

# adieu-run: the build tree's copy (tools/adieu-run) uses the build's
# libssl.so.3; the installed one finds the private directory from its own place.
get_target_property(ADIEU_LIBSSL_BUILD_DIR adieu-libssl LIBRARY_OUTPUT_DIRECTORY)
set(ADIEU_RUN_LIBDIR "'${ADIEU_LIBSSL_BUILD_DIR}'")
configure_file(${CMAKE_SOURCE_DIR}/tools/adieu-run.in ${CMAKE_BINARY_DIR}/tools/adieu-run
               @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
               GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
adieu_relative_path(ADIEU_BIN_TO_PRIVATE ${CMAKE_INSTALL_BINDIR} ${ADIEU_PRIVATE_LIBDIR})
if(IS_ABSOLUTE "${ADIEU_BIN_TO_PRIVATE}")
  set(ADIEU_RUN_LIBDIR "'${ADIEU_BIN_TO_PRIVATE}'")
else()
  set(ADIEU_RUN_LIBDIR
      "\"$(readlink -f \"$(dirname \"$(readlink -f \"$0\")\")/${ADIEU_BIN_TO_PRIVATE}\")\"")
endif()
configure_file(${CMAKE_SOURCE_DIR}/tools/adieu-run.in ${CMAKE_BINARY_DIR}/install/adieu-run @ONLY)
install(PROGRAMS ${CMAKE_BINARY_DIR}/install/adieu-run DESTINATION ${CMAKE_INSTALL_BINDIR})

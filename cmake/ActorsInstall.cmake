# Installs libactors so that a downstream project can
#   find_package(actors) and target_link_libraries(app PRIVATE actors::actors),
# and, when actors::wx was built,
#   find_package(actors COMPONENTS wx) and link actors::wx.
# The package also brings actors::testing, the actors-scenario runner
# (actors::scenario) and actors_add_scenarios() (ActorsScenarios.cmake).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS actors EXPORT actorsTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/libactors/include/actors
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_actors_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/actors)
install(EXPORT actorsTargets NAMESPACE actors:: DESTINATION ${_actors_cmake_dir})
if(TARGET actors_wx)
  install(TARGETS actors_wx EXPORT actorsWxTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/libactors/wx/include/actors
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(EXPORT actorsWxTargets NAMESPACE actors:: DESTINATION ${_actors_cmake_dir})
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/actorsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/actorsConfig.cmake
  INSTALL_DESTINATION ${_actors_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/actorsConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/actorsConfig.cmake
  ${PROJECT_BINARY_DIR}/actorsConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake
  ${PROJECT_SOURCE_DIR}/cmake/ActorsScenarios.cmake
  DESTINATION ${_actors_cmake_dir})

# Embeds src/server/openapi.json (the OpenAPI 3.1 document of every route) in the server, which
# serves it at GET /api/v1/openapi.json. A change to the JSON re-runs the configure step.
set(MLTRACK_OPENAPI_JSON ${CMAKE_SOURCE_DIR}/src/server/openapi.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MLTRACK_OPENAPI_JSON})
file(READ ${MLTRACK_OPENAPI_JSON} MLTRACK_OPENAPI_TEXT)
configure_file(${CMAKE_SOURCE_DIR}/cmake/openapi_spec.cc.in ${CMAKE_BINARY_DIR}/generated/openapi_spec.cc @ONLY)
target_sources(mltrack_server PRIVATE ${CMAKE_BINARY_DIR}/generated/openapi_spec.cc)

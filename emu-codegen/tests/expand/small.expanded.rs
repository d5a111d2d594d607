fn main() {
    let app: ::emu_runtime::App = {
        const _: &[u8] = ::core::include_bytes!(
            "$CARGO_MANIFEST_DIR/tests/data/small.yaml"
        );
        static MODEL: ::emu_runtime::__private::Model = {
            use ::emu_runtime::__private::*;
            use Cow::Borrowed;
            Model {
                source: Borrowed("$CARGO_MANIFEST_DIR/tests/data/small.yaml"),
                format: TemplateFormat::Sam,
                functions: Borrowed(
                    &[
                        Function {
                            id: Borrowed("GetDogFunction"),
                            name: Borrowed("GetDogFunction"),
                            handler: Borrowed("bootstrap"),
                            runtime: Borrowed("provided.al2023"),
                            timeout_secs: 3,
                            memory_mb: 128,
                            environment: Borrowed(
                                &[
                                    EnvVar {
                                        name: Borrowed("TABLE_NAME"),
                                        value: Borrowed(&[EnvPiece::Text(Borrowed("dogs"))]),
                                    },
                                ],
                            ),
                            events: Borrowed(&[]),
                            location: Location::new(14, 3),
                        },
                        Function {
                            id: Borrowed("ListDogsFunction"),
                            name: Borrowed("ListDogsFunction"),
                            handler: Borrowed("dogs::list"),
                            runtime: Borrowed("provided.al2023"),
                            timeout_secs: 3,
                            memory_mb: 128,
                            environment: Borrowed(
                                &[
                                    EnvVar {
                                        name: Borrowed("TABLE_NAME"),
                                        value: Borrowed(&[EnvPiece::Text(Borrowed("dogs"))]),
                                    },
                                ],
                            ),
                            events: Borrowed(&[]),
                            location: Location::new(23, 3),
                        },
                        Function {
                            id: Borrowed("CreateDogFunction"),
                            name: Borrowed("CreateDogFunction"),
                            handler: Borrowed("bootstrap"),
                            runtime: Borrowed("provided.al2023"),
                            timeout_secs: 3,
                            memory_mb: 128,
                            environment: Borrowed(
                                &[
                                    EnvVar {
                                        name: Borrowed("TABLE_NAME"),
                                        value: Borrowed(&[EnvPiece::Text(Borrowed("dogs"))]),
                                    },
                                ],
                            ),
                            events: Borrowed(&[]),
                            location: Location::new(33, 3),
                        },
                        Function {
                            id: Borrowed("LegacyPythonFunction"),
                            name: Borrowed("LegacyPythonFunction"),
                            handler: Borrowed("app.lambda_handler"),
                            runtime: Borrowed("python3.12"),
                            timeout_secs: 3,
                            memory_mb: 128,
                            environment: Borrowed(
                                &[
                                    EnvVar {
                                        name: Borrowed("TABLE_NAME"),
                                        value: Borrowed(&[EnvPiece::Text(Borrowed("dogs"))]),
                                    },
                                ],
                            ),
                            events: Borrowed(&[]),
                            location: Location::new(42, 3),
                        },
                    ],
                ),
                apis: Borrowed(
                    &[
                        Api {
                            id: Borrowed("ServerlessRestApi"),
                            kind: ApiKind::Rest,
                            implicit: true,
                            stage: Borrowed("Prod"),
                            stage_in_url: false,
                            stage_variables: Borrowed(&[]),
                            cors: None,
                            binary_media_types: Borrowed(&[]),
                            auth: Borrowed(""),
                            default_payload: PayloadVersion::V1,
                            location: Location::new(18, 9),
                        },
                        Api {
                            id: Borrowed("ServerlessHttpApi"),
                            kind: ApiKind::Http,
                            implicit: true,
                            stage: Borrowed("$default"),
                            stage_in_url: false,
                            stage_variables: Borrowed(&[]),
                            cors: None,
                            binary_media_types: Borrowed(&[]),
                            auth: Borrowed(""),
                            default_payload: PayloadVersion::V2,
                            location: Location::new(48, 9),
                        },
                    ],
                ),
                routes: Borrowed(
                    &[
                        Route {
                            method: Method::Get,
                            path: Borrowed("/dogs"),
                            api: Borrowed("ServerlessRestApi"),
                            function: Borrowed("ListDogsFunction"),
                            payload: PayloadVersion::V1,
                            operation_name: None,
                            authorizer: None,
                            location: Location::new(28, 9),
                        },
                        Route {
                            method: Method::Post,
                            path: Borrowed("/dogs"),
                            api: Borrowed("ServerlessRestApi"),
                            function: Borrowed("CreateDogFunction"),
                            payload: PayloadVersion::V1,
                            operation_name: None,
                            authorizer: None,
                            location: Location::new(37, 9),
                        },
                        Route {
                            method: Method::Get,
                            path: Borrowed("/dogs/{id}"),
                            api: Borrowed("ServerlessRestApi"),
                            function: Borrowed("GetDogFunction"),
                            payload: PayloadVersion::V1,
                            operation_name: None,
                            authorizer: None,
                            location: Location::new(18, 9),
                        },
                        Route {
                            method: Method::Any,
                            path: Borrowed("/legacy"),
                            api: Borrowed("ServerlessHttpApi"),
                            function: Borrowed("LegacyPythonFunction"),
                            payload: PayloadVersion::V2,
                            operation_name: None,
                            authorizer: None,
                            location: Location::new(48, 9),
                        },
                    ],
                ),
                warnings: Borrowed(&[]),
            }
        };
        #[allow(non_snake_case, unused_imports)]
        mod small_yaml_line_14 {
            pub(super) mod GetDogFunction {
                pub(in super::super) use super::super::*;
            }
        }
        #[allow(non_snake_case, unused_imports)]
        mod small_yaml_line_23 {
            pub(super) mod ListDogsFunction {
                pub(in super::super) use super::super::*;
            }
        }
        ::emu_runtime::__private::AppBuilder::new(
                &MODEL,
                ::emu_runtime::__private::TemplateSource {
                    path: "$CARGO_MANIFEST_DIR/tests/data/small.yaml",
                    text: ::core::include_str!(
                        "$CARGO_MANIFEST_DIR/tests/data/small.yaml"
                    ),
                },
            )
            .bind(
                "GetDogFunction",
                ::emu_runtime::__private::assert_handler(
                    small_yaml_line_14::GetDogFunction::get_dog_function,
                ),
            )
            .bind(
                "ListDogsFunction",
                ::emu_runtime::__private::assert_handler(
                    small_yaml_line_23::ListDogsFunction::dogs::list,
                ),
            )
            .bind(
                "CreateDogFunction",
                ::emu_runtime::__private::assert_handler(dogs::create),
            )
            .ignore("LegacyPythonFunction")
            .build()
    };
}

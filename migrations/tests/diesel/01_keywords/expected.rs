// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "fn"]
    fn_ (id) {
        id -> Integer,
        #[sql_name = "struct"]
        struct_ -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "self"]
    self_ (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "table"]
    table_ (id) {
        id -> Integer,
        #[sql_name = "columns"]
        columns_ -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "type"]
    type_ (id) {
        id -> Nullable<Integer>,
        #[sql_name = "type"]
        type_ -> Text,
        #[sql_name = "fn"]
        fn_ -> Nullable<Integer>,
        #[sql_name = "self"]
        self_ -> Nullable<Text>,
        #[sql_name = "table"]
        table_ -> Nullable<Text>,
        #[sql_name = "columns"]
        columns_ -> Nullable<Text>,
        #[sql_name = "crate"]
        crate_ -> Nullable<Text>,
        #[sql_name = "super"]
        super_ -> Nullable<Integer>,
        #[sql_name = "async"]
        async_ -> Nullable<Text>,
        #[sql_name = "r#x"]
        r_x -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(fn_, self_, table_, type_,);

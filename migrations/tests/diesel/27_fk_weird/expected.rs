// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "Parent Table"]
    Parent_Table (the_id) {
        #[sql_name = "the id"]
        the_id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "child-table"]
    child_table (id) {
        id -> Integer,
        #[sql_name = "parent ref"]
        parent_ref -> Nullable<Integer>,
        #[sql_name = "fn"]
        fn_ -> Nullable<Integer>,
    }
}

diesel::table! {
    #[sql_name = "quote'child"]
    quote_child (id) {
        id -> Integer,
        #[sql_name = "q'col"]
        q_col -> Nullable<Integer>,
    }
}

diesel::joinable!(quote_child -> Parent_Table (q_col));

diesel::allow_tables_to_appear_in_same_query!(Parent_Table, child_table, quote_child,);

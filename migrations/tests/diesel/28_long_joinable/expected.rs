// @generated automatically by Diesel CLI.

diesel::table! {
    a_really_long_table_name_that_goes_on_and_on_and_on (id) {
        id -> Integer,
    }
}

diesel::table! {
    another_really_long_table_name_that_goes_on_and_on_too (id) {
        id -> Integer,
        a_really_long_foreign_key_column_name_id -> Nullable<Integer>,
    }
}

diesel::joinable!(another_really_long_table_name_that_goes_on_and_on_too -> a_really_long_table_name_that_goes_on_and_on_and_on (a_really_long_foreign_key_column_name_id));

diesel::allow_tables_to_appear_in_same_query!(
    a_really_long_table_name_that_goes_on_and_on_and_on,
    another_really_long_table_name_that_goes_on_and_on_too,
);

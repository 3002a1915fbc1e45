// @generated automatically by Diesel CLI.

diesel::table! {
    table_number_00 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_01 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_02 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_03 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_04 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_05 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_06 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_07 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_08 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_09 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_10 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_11 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_12 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_13 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_14 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_15 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_16 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_17 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_18 (id) {
        id -> Integer,
    }
}

diesel::table! {
    table_number_19 (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    table_number_00,
    table_number_01,
    table_number_02,
    table_number_03,
    table_number_04,
    table_number_05,
    table_number_06,
    table_number_07,
    table_number_08,
    table_number_09,
    table_number_10,
    table_number_11,
    table_number_12,
    table_number_13,
    table_number_14,
    table_number_15,
    table_number_16,
    table_number_17,
    table_number_18,
    table_number_19,
);

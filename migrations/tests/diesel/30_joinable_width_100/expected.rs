// @generated automatically by Diesel CLI.

diesel::table! {
    ccccccccccccccccccccccc (id) {
        id -> Integer,
        fffffffffffffffffffffffffid -> Nullable<Integer>,
    }
}

diesel::table! {
    ppppppppppppppppppppppp (id) {
        id -> Integer,
    }
}

diesel::joinable!(ccccccccccccccccccccccc -> ppppppppppppppppppppppp (fffffffffffffffffffffffffid));

diesel::allow_tables_to_appear_in_same_query!(ccccccccccccccccccccccc, ppppppppppppppppppppppp,);

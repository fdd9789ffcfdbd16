// Parsing a class choice: names (case, spaces, hyphens and "/" alternatives ignored), indices,
// names winning over indices, and errors that list the valid classes.
import Testing

@testable import DataIO

@Suite struct ClassNamesTests {
    let fashion = ClassNames.builtIn(.fashionMNIST)!

    @Test(arguments: [("sneaker", 7), ("Sneaker", 7), ("SNEAKER", 7), ("7", 7), ("ankle boot", 9), ("ankle-boot", 9),
                      ("AnkleBoot", 9), ("T-shirt/top", 0), ("t-shirt", 0), ("tshirt", 0), ("top", 0), ("shirt", 6), ("0", 0)])
    func fashionNamesAndIndices(value: String, label: Int) throws {
        #expect(try fashion.label(for: value) == label)
    }

    @Test func builtInNames() {
        #expect(ClassNames.builtIn(.mnist)?.names == (0..<10).map(String.init))
        #expect(ClassNames.builtIn(.cifar10)?.names[3] == "cat")
        #expect(ClassNames.builtIn(.fashionMNIST)?.count == 10)
        #expect(ClassNames.builtIn(.folder) == nil)
        #expect(fashion.describe(7) == "7 Sneaker")
        #expect(ClassNames.builtIn(.mnist)?.describe(7) == "7")
    }

    @Test func namesWinOverIndices() throws {
        let folder = ClassNames(["1", "2", "3"])
        #expect(try folder.label(for: "1") == 0)
        #expect(try folder.label(for: "0") == 0)  // not a name: the index
        #expect(throws: ClassNameError.self) { try folder.label(for: "3x") }
    }

    @Test func unknownClassListsTheValidOnes() {
        let error = #expect(throws: ClassNameError.self) { try fashion.label(for: "boot") }
        #expect(error?.description == "unknown class \"boot\"; valid classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, "
                + "4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot")
        #expect(throws: ClassNameError.self) { try fashion.label(for: "10") }
        #expect(throws: ClassNameError.self) { try fashion.label(for: "-1") }
        #expect(throws: ClassNameError.self) { try fashion.label(for: "") }
    }

    @Test func ambiguousNameListsTheCandidates() {
        let error = #expect(throws: ClassNameError.self) { try ClassNames(["cat/dog", "dog", "fish"]).label(for: "Dog") }
        #expect(error?.description == "ambiguous class \"Dog\"; valid classes: 0 cat/dog, 1 dog")
    }
}
